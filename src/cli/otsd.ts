console.log('otsd placeholder')
